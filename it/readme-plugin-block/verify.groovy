import groovy.json.JsonSlurper

def json = { String path -> new JsonSlurper().parse(new File(basedir, path)) }
def log = new File(basedir, 'build.log').text

// The pom holds the README's block (setup.groovy) at plugin level, including the enclave environment map.
def pom = new File(basedir, 'pom.xml').text
assert pom.contains(new File(basedir, 'readme-block.xml').text.trim())
assert pom.contains('<imageEnvironment><APP_MODE>enclave</APP_MODE></imageEnvironment>') || !pom.contains('APP_MODE')

// 1: build-eif: the EIF, its manifest, and the environment map in the image (/env of the uncompressed cpio)
def eif = new File(basedir, 'target/attestation/readme-plugin-block-1.0.0.eif')
assert eif.isFile()
def manifest = json('target/attestation/pcr-manifest.json')
assert manifest.pcrs['0'] ==~ /[0-9a-f]{96}/
def block = new groovy.xml.XmlSlurper().parseText(new File(basedir, 'readme-block.xml').text)
block.configuration.imageEnvironment.children().each { e ->
    assert new String(eif.bytes, 'ISO-8859-1').contains("${e.name()}=${e.text()}") : "${e.name()} not in the image"
}

// 2: describe-eif: the same PCRs
def described = json('target/describe.json')
assert described.Measurements.PCR0 == manifest.pcrs['0']

// 3: verify: the document is genuine; the image was not checked, and the log says so
def report = json('target/attestation/verify-report.json')
assert report.ok == 1 && report.rejected == 0 && report.image.checked == false
assert log.contains('anyImage is set')

// 4, 5: kms-policy: a generated, lint-clean policy pinning this image, then linted as an existing policy
def policy = new File(basedir, 'target/attestation/kms-policy.json').text
assert policy.contains(manifest.pcrs['0'])
assert log.count('Lint: 0 errors') == 2

// 6: release: the bundle, with the generated policy, accepted for prod
def bundle = new File(basedir, 'target/attestation/release/1.0.0')
assert new File(bundle, 'SHA256SUMS').isFile() && new File(bundle, 'kms-policy.json').text == policy
assert json('pcr-history.json').environments.prod[0].version == '1.0.0'

// 7: reproduce: same PCRs
assert log.contains('REPRODUCED: every PCR matches the published release.')

// 8: package-blobs: the zip
assert new File(basedir, 'target/attestation/readme-plugin-block-1.0.0-blobs.zip').isFile()
return true
