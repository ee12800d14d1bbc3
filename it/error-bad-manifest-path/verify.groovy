// Each failing invocation names the documented code and leaves no output behind.
def log = new File(basedir, 'build.log').text
assert log.contains('MANIFEST_NOT_FOUND: no PCR manifest at') : 'release/reproduce must fail with MANIFEST_NOT_FOUND'
assert !new File(basedir, 'target/attestation/release').exists() : 'no bundle may be written'
assert !new File(basedir, 'pcr-history.json').exists() : 'the history must not change when release fails'
assert !new File(basedir, 'target/attestation/reproduce').exists() : 'no rebuild starts without a manifest'
assert log =~ /Java version: 17\./ : 'the second invocation runs on JDK 17'
// verify: a named manifest that does not exist, and a project whose default manifest was never built
assert log =~ /MANIFEST_NOT_FOUND: no PCR manifest at \S*pcr-manifset\.json/
assert log =~ /MANIFEST_NOT_FOUND: no PCR manifest at \S*target.attestation.pcr-manifest\.json and no other expected image/
assert log.contains('HISTORY_NOT_FOUND: no PCR history at')
['named-missing', 'default-missing', 'history-missing'].each {
    assert !new File(basedir, "target/${it}.json").exists() : "nothing was verified, so no report ${it}.json"
}
assert !log.contains('verdict     OK') : 'no document may be accepted without its expected image'
return true
