// Missing or incomplete boot blobs stop build-eif with the documented codes; nothing is left under a final name.
def log = new File(basedir, 'build.log').text
assert log.contains('BLOBS_NOT_FOUND: no boot blobs directory at') : 'missing blobs directory'
assert log.contains('BLOBS_INCOMPLETE') : 'incomplete blobs directory'
def missing = (log =~ /BLOBS_INCOMPLETE[^\n]*/)[0]
['cmdline', 'nsm.ko', 'bzImage.config'].each { assert missing.contains(it) : "names the missing $it: $missing" }
def out = new File(basedir, 'target/attestation')
assert !new File(out, 'pcr-manifest.json').exists()
assert !new File(out, 'error-missing-blobs-1.0.0.eif').exists()
return true
