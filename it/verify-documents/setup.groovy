// The four real documents from the repository's test vectors (only the documents: the directory also holds a README and the root).
def target = new File(basedir, 'documents')
target.mkdirs()
new File(vectorsDir, "attestation").listFiles().findAll { it.name.endsWith('.b64') }.each {
    new File(target, it.name).bytes = it.bytes
}
assert target.list().length == 4
return true
