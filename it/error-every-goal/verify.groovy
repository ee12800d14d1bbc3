// Each goal's failure reaches the user as "[ERROR] Failed to execute goal ...:<goal> ...: CODE: message hint",
// with options named as Maven properties, and nothing of a stack trace.
def log = new File(basedir, 'build.log').text
def runs = log.split(/(?m)^\[INFO\] Scanning for projects\.\.\.$/).drop(1)
def expected = [
    ['build-eif', 'BLOBS_NOT_FOUND', '-Dattestation.blobs='],
    ['package-blobs', 'BLOBS_NOT_FOUND', '-Dattestation.blobs='],
    ['describe-eif', 'EIF_BAD_MAGIC', 'not-an.eif: the file starts with'],
    ['verify', 'MALFORMED_CBOR', '1 of 1 attestation document(s) rejected'],
    ['verify', 'IO_ERROR', 'pom.xml'],
    ['kms-policy', 'INVALID_INPUT', 'roleArn'],
    ['release', 'MANIFEST_NOT_FOUND', 'no-such-manifest.json'],
    ['reproduce', 'MANIFEST_NOT_FOUND', 'pcr-manifest.json'],
]
assert runs.size() == expected.size() : "expected ${expected.size()} invocations in build.log, found ${runs.size()}"
expected.eachWithIndex { e, i ->
    def (goal, code, mention) = e
    def run = runs[i]
    def failed = run.readLines().findAll { it.startsWith('[ERROR] Failed to execute goal ') }
    assert failed.size() == 1 : "invocation ${i + 1} ($goal): one failure line, found $failed"
    def line = failed[0]
    assert line =~ /^\[ERROR\] Failed to execute goal dev\.attested:attestation-maven-plugin:[^:]+:${goal} \([^)]*\) on project error-every-goal: ${code}: / :
            "invocation ${i + 1} ($goal) must fail with $code: $line"
    assert line.contains(mention) : "invocation ${i + 1} ($goal) must say '$mention': $line"
    assert !(line =~ /\{[a-z][A-Za-z]*\}/) : "an option placeholder was not rendered: $line"
    assert run.contains('To see the full stack trace of the errors, re-run Maven with the -e switch.') :
            "invocation ${i + 1} ($goal) must run as a user runs Maven, without -e"
    def trace = run.readLines().findAll { it.startsWith('\tat ') || it =~ /^\s+at [\w$.]+\(/ || it.contains('Exception in thread') || it.startsWith('Caused by: ') }
    assert trace.isEmpty() : "invocation ${i + 1} ($goal) printed a stack trace: ${trace.take(3)}"
}
// Nothing partial is left behind: no temporary file, no bundle, no rebuild.
def tmp = []
basedir.eachFileRecurse { if (it.name.endsWith('.tmp')) tmp << it }
assert tmp.isEmpty() : "temporary files left behind: $tmp"
assert !new File(basedir, 'target/attestation/release').exists()
assert !new File(basedir, 'target/attestation/reproduce').exists()
assert !new File(basedir, 'target/attestation/kms-policy.json').exists()
return true
