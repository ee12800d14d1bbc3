import groovy.json.JsonSlurper
def log = new File(basedir, 'build.log').text
def json = { String name -> new JsonSlurper().parse(new File(basedir, name)) }

def truncated = json('target/truncated.json')
assert truncated.results.size() == 1 && truncated.results[0].verdict == 'rejected'
assert truncated.results[0].code == 'MALFORMED_CBOR' : truncated.results[0].code
assert log.contains('MALFORMED_CBOR') : 'the build log names the code'

def huge = json('target/huge.json')
assert huge.results[0].code == 'DOCUMENT_TOO_LARGE' : huge.results[0].code
assert log.contains('DOCUMENT_TOO_LARGE: expected a document file of at most 65536 bytes, found a file of 524288000 bytes')
assert !log.contains('OutOfMemoryError')
return true
