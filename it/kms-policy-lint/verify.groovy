def log = new File(basedir, 'build.log').text
def lines = log.readLines()

// 1. findings at their own level, shown by a quiet build (goal 1 runs with -q: its lines come before any [INFO])
def firstFinding = lines.findIndexOf { it.startsWith('[ERROR] KMS-FORALLVALUES-ALLOW [EnclaveAttestedUse]: ') }
def firstInfo = lines.findIndexOf { it.startsWith('[INFO]') }
assert firstFinding >= 0 && (firstInfo < 0 || firstFinding < firstInfo) : 'the quiet build shows ForAllValues as an error'
assert lines.any { it.startsWith('[ERROR] KMS-UNATTESTED-ALLOW [EnclaveAttestedUse]: ') } : 'the statement reported as unattested'
assert !lines.any { it.startsWith('[INFO] ERROR ') || it.startsWith('[INFO] WARNING ') || it =~ /^\[INFO\] KMS-/ }

// 2. the warning level, and the evaluator's view of the same policy
assert lines.any { it.startsWith('[WARNING] KMS-CASE-SENSITIVE [EnclaveAttestedUse]: ') } : 'a warning at WARNING level'
assert lines.any { it.contains('parent-without-attestation: ALLOW') && it.contains(': ok]') } : 'the parent decrypts without a document'
assert log.contains('LINT_FAILED')

// 3. no code measurement pinned: refused, nothing written
def pinFailure = lines.findAll { it.startsWith('[ERROR] Failed to execute goal ') && it.contains('NO_CODE_PIN') }
assert pinFailure.size() == 1 : 'one failure line for the pins'
assert pinFailure[0].count('NO_CODE_PIN') == 1 : "the message once, its options rendered: ${pinFailure[0]}"
assert pinFailure[0].contains('(-Dattestation.pins)')
assert !new File(basedir, 'target/attestation/kms-policy.json').exists()
assert !new File(basedir, 'target/attestation/kms-policy.txt').exists()
return true
