import groovy.json.JsonSlurper
def log = new File(basedir, 'build.log').text
def policy = new JsonSlurper().parse(new File(basedir, 'target/attestation/kms-policy.json'))
def pcr0 = 'cbe1afb6ed0ff89f10295af0b802247ec5670da8f886e71a4226373b032c322f4e42c9c98288e7211682b258684505a2'

// 1. generated policy: clean lint, the image pinned in lower-case hex, each scenario decided as in the workshop
assert log.contains('Lint: 0 errors')
def attested = policy.Statement.find { it.Condition?.StringEqualsIgnoreCase }
assert attested.Condition.StringEqualsIgnoreCase['kms:RecipientAttestation:ImageSha384'] == pcr0
['parent-without-attestation', 'enclave-with-matching-document', 'debug-mode-document', 'modified-image', 'enclave-session'].each { name ->
    def line = log.readLines().find { it.contains("${name}: ") }
    assert line != null && line.contains(': ok]') : "scenario ${name}: ${line}"
}
assert log.readLines().find { it.contains('enclave-with-matching-document: ALLOW') } : 'the enclave is allowed'

// 2. the root kms:* policy: linter error, parent allowed via IAM, goal failed with LINT_FAILED
assert log.readLines().find { it.contains('parent-without-attestation: ALLOW_VIA_IAM') || it.contains('parent-without-attestation: ALLOW-VIA-IAM') } :
        'the evaluator shows the parent getting Decrypt through IAM'
assert log.contains('LINT_FAILED')

// 3. JDK 17
assert log =~ /Java version: 17\./
assert new File(basedir, 'target/jdk17/kms-policy.json').bytes == new File(basedir, 'target/attestation/kms-policy.json').bytes
return true
