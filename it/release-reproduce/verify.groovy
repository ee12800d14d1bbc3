import dev.attested.maven.ItGit
import groovy.json.JsonSlurper
import java.security.MessageDigest

def sha256 = { File f -> MessageDigest.getInstance('SHA-256').digest(f.bytes).encodeHex().toString() }
def json = { File f -> new JsonSlurper().parse(f) }
def log = new File(basedir, 'build.log').text
def commit = ItGit.run(basedir.toPath(), 'rev-parse', 'HEAD')

// 1. The release bundle holds every file, and SHA256SUMS (sha256sum format, sorted) matches them.
def bundle = new File(basedir, 'target/attestation/release/1.0.0')
def expected = ['release-reproduce-1.0.0.eif', 'pcr-manifest.json', 'build-manifest.json', 'kms-policy-template.json',
                'provenance.intoto.json', 'REPRODUCE.md', 'SHA256SUMS'] as Set
assert bundle.list() as Set == expected
def sums = new File(bundle, 'SHA256SUMS').readLines()
assert sums.collect { it.substring(66) } == sums.collect { it.substring(66) }.sort()
sums.each { line -> assert sha256(new File(bundle, line.substring(66))) == line.substring(0, 64) : line }
def manifest = json(new File(bundle, 'pcr-manifest.json'))
def provenance = json(new File(bundle, 'provenance.intoto.json'))
assert provenance.subject[0].digest.sha256 == manifest.eif.sha256
assert provenance.predicate.runDetails.byproducts.find { it.name == 'pcr-manifest.json' }.annotations.pcrs.PCR2 == manifest.pcrs['2']
def build = json(new File(bundle, 'build-manifest.json'))
assert build.blobs.bzImage == sha256(new File(basedir, 'blobs/bzImage'))
assert build.outputTimestamp == '2026-01-01T00:00:00Z'
assert build.source.revision == commit && build.source.ref == 'refs/heads/main' && build.source.dirty == false
def reproduceMd = new File(bundle, 'REPRODUCE.md').text
assert reproduceMd.contains(':reproduce') && reproduceMd.contains("git checkout ${commit}") && !reproduceMd.contains('Warning')
assert log.contains("Source: commit ${commit} (refs/heads/main), working tree clean")

// 2. Released again: the bundle is kept as it is.
assert log.contains("Release bundle ${bundle} already holds this release (same PCRs): kept unchanged.")

// 3. Reproduced in another directory: same PCRs, and the EIF and manifest are byte-identical.
def same = json(new File(basedir, 'target/reproduce-same.json'))
assert same.reproduced == true && same.eifIdentical == true
def rebuilt = new File(basedir, 'target/reproduce-same/src/target/attestation')
assert new File(rebuilt, 'release-reproduce-1.0.0.eif').bytes == new File(bundle, 'release-reproduce-1.0.0.eif').bytes
assert new File(rebuilt, 'pcr-manifest.json').bytes == new File(bundle, 'pcr-manifest.json').bytes
assert log.contains('REPRODUCED: every PCR matches the published release.')

// 5. A changed source file: PCR2 (and PCR0) differ, PCR1 does not, the goal failed with the code.
def changed = json(new File(basedir, 'target/reproduce-changed.json'))
assert changed.reproduced == false
assert changed.pcrs.findAll { !it.match }.collect { it.name } == ['PCR0', 'PCR2']
assert changed.likelyCauses[0].startsWith('PCR2')
assert log.contains('REPRODUCE_PCR_MISMATCH: PCR0, PCR2 of the rebuild differ')

// 6. The changed tree is not released without allowDirty.
assert log.contains("RELEASE_DIRTY_TREE: 1 tracked file(s) differ from commit ${commit} (src/main/java/dev/attested/it/Main.java)")
assert !new File(basedir, 'target/release-dirty').exists()

// 1 + 7. History: prod accepts the original, dev the changed build made on JDK 17.
def history = json(new File(basedir, 'pcr-history.json'))
assert history.environments.prod*.version == ['1.0.0']
assert history.environments.prod[0].pcrs['2'] == manifest.pcrs['2']
assert history.environments.dev[0].pcrs['2'] != manifest.pcrs['2']
assert history.environments.dev[0].addedAt == '2026-01-01T00:00:00Z'
assert log =~ /Java version: 17\./
def jdk17 = new File(basedir, 'target/release-jdk17/1.0.0')
def jdk17Build = json(new File(jdk17, 'build-manifest.json'))
assert jdk17Build.tools.jdk.startsWith('17.')
assert jdk17Build.source.revision == commit && jdk17Build.source.dirty == true
assert new File(jdk17, 'REPRODUCE.md').text.contains('## Warning: not reproducible from a commit')
assert log.contains('[WARNING] Releasing with -Dattestation.allowDirty=true: commit ' + commit + ' with 1 changed tracked file(s)')

// 8. Same version, other measurements: HISTORY_CONFLICT, checked before anything is written.
assert log.contains('HISTORY_CONFLICT: version 1.0.0 is already recorded for environment \'prod\'')
assert !new File(basedir, 'target/release-conflict').exists()
assert json(new File(basedir, 'pcr-history.json')).environments.prod*.version == ['1.0.0']

// 9. Over the released bundle: refused, and the bundle is byte-for-byte what step 4 copied.
assert log.contains("RELEASE_BUNDLE_EXISTS: ${bundle} already holds a release of this version with other measurements (PCR0, PCR2 differ")
def copy = new File(basedir, 'target/bundle-1.0.0')
assert bundle.list() as Set == copy.list() as Set
expected.each { assert new File(bundle, it).bytes == new File(copy, it).bytes : it }
assert bundle.parentFile.list() as Set == ['1.0.0'] as Set : 'no temporary directory left'

// 10. The released bundle's policy pins the old image: not shipped with the changed build.
assert log.contains('RELEASE_POLICY_MISMATCH: ')
assert !new File(basedir, 'target/release-policy').exists()
return true
