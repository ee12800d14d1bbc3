import groovy.json.JsonSlurper

// build-eif and the library (ApiBuild, run by exec:exec) built the same EIF from the same inputs.
def log = new File(basedir, 'build.log').text
assert log.contains('ApiBuild: the library build is byte-identical to attestation:build-eif')
def goal = new JsonSlurper().parse(new File(basedir, 'target/attestation/pcr-manifest.json'))
def api = new JsonSlurper().parse(new File(basedir, 'target/api-build/pcr-manifest.json'))
assert goal.pcrs == api.pcrs
(0..2).each { assert log.contains("ApiBuild PCR${it} ${goal.pcrs[it as String]}") }
assert new File(basedir, 'target/api-build/api-build-1.0.0.eif').bytes == new File(basedir, 'target/attestation/api-build-1.0.0.eif').bytes
// The sample-like layout: the runtime classpath under /app/lib (attestation-core and its dependencies).
assert log.contains('jars under /app/lib') && !log.contains('(0 jars under /app/lib)')
return true
