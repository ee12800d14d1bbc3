// The scenarios refer to the real documents in test-vectors/; copy them next to the scenario files.
def fixtures = new File(vectorsDir, "attestation")
def target = new File(basedir, 'fixtures')
target.mkdirs()
['01-uid2-2021-04-26-usw1-debug.b64', '02-evervault-2022-10-13-use1-prod.b64', '08-nautilus-2025-04-15-use1-prod.b64'].each {
    new File(target, it).bytes = new File(fixtures, it).bytes
}
return true
