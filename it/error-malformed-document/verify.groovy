import groovy.json.JsonSlurper
def log = new File(basedir, 'build.log').text
def report = new JsonSlurper().parse(new File(basedir, 'target/attestation/verify-report.json'))
assert report.results.size() == 1 && report.results[0].verdict == 'rejected'
def code = report.results[0].code
assert code == 'MALFORMED_CBOR' : code
assert log.contains('MALFORMED_CBOR') : 'the build log names the code'
return true
