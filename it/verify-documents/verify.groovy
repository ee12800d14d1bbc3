import dev.attested.maven.ItMaven
import dev.attested.pcr.PcrManifest
import dev.attested.testkit.SimulatedNitroPki
import groovy.json.JsonSlurper
import java.nio.file.Files
import java.time.Duration
import java.time.Instant

def json = { String name -> new JsonSlurper().parse(new File(basedir, name)) }
def verdicts = { report -> report.results.collectEntries { [(new File(it.file).name): it.verdict] } }
def fixtures = ['01-uid2-2021-04-26-usw1-debug.b64', '02-evervault-2022-10-13-use1-prod.b64',
                '05-marlin-2024-08-07-aps1-prod.b64', '08-nautilus-2025-04-15-use1-prod.b64']

def log = new File(basedir, 'build.log').text

// 1. real documents at their timestamps, debug allowed: all four genuine; no image expected, and every verdict says so
def atDocument = json('target/real-at-document.json')
assert verdicts(atDocument) == fixtures.collectEntries { [(it): 'ok'] }
assert atDocument.schemaVersion == 2 && atDocument.image.checked == false
assert atDocument.results.every { it.image.checked == false && it.image.status == 'NOT checked (anyImage)' }
assert log.contains('verdict     OK (image: NOT checked (anyImage))')
assert !(log =~ /verdict {5}OK\r?\n/) : 'no verdict line is silent about the image'
// 2. JDK 17: the same verdicts
assert verdicts(json('target/real-jdk17.json')) == fixtures.collectEntries { [(it): 'ok'] }
assert new File(basedir, 'build.log').text =~ /Java version: 17\./
// 3. strict: only the debug-mode one is rejected, with DEBUG_MODE
def strict = json('target/real-strict.json')
assert verdicts(strict) == fixtures.collectEntries { [(it): it.startsWith('01-') ? 'rejected' : 'ok'] }
assert strict.results.find { it.file.endsWith(fixtures[0]) }.code == 'DEBUG_MODE'
// 4. now: all expired
def now = json('target/real-now.json')
assert now.results.every { it.verdict == 'rejected' && it.code == 'CERT_NOT_VALID_AT_TIME' } : now.results*.code
// 5. no manifest and no anyImage: refused with MANIFEST_NOT_FOUND, nothing verified, no report
assert log =~ /MANIFEST_NOT_FOUND: no PCR manifest at .*pcr-manifest\.json and no other expected image/
assert log.contains('attestation.anyImage=true')
assert !new File(basedir, 'target/no-expectation.json').exists()

// 5. simulated documents against the project's manifest, verified now by a nested build of the goal
def manifest = PcrManifest.read(new File(basedir, 'target/attestation/pcr-manifest.json').toPath())
def work = new File(basedir, 'target/simulated').toPath()
Files.createDirectories(work)
def pki = SimulatedNitroPki.create(Instant.now().minus(Duration.ofHours(1)), 42L)
Files.writeString(work.resolve('root.pem'), '-----BEGIN CERTIFICATE-----\n'
        + Base64.mimeEncoder.encodeToString(pki.root().encoded) + '\n-----END CERTIFICATE-----\n')
def doc = { Map pcrs -> Base64.encoder.encodeToString(pki.documentBuilder().timestamp(Instant.now()).pcrs(pcrs).sign()) + '\n' }
def pcrs = manifest.pcrValues().collectEntries { k, v -> [(k): v.toByteArray()] }
Files.writeString(work.resolve('matching.b64'), doc(pcrs))
def otherImage = new LinkedHashMap(pcrs)
otherImage[2] = dev.attested.pcr.Pcr.ofContent('another application'.bytes).toByteArray()
Files.createDirectories(work.resolve('other'))
Files.writeString(work.resolve('other/other-image.b64'), doc(otherImage))

def mvn = new ItMaven(new File(repoRoot), outerRepo, localRepositoryPath.path, work)
def ok = mvn.run(basedir.toPath(), work.resolve('matching.log'), 'attestation:verify', "-Ddoc=${work.resolve('matching.b64')}",
        "-Dattestation.trustAnchor=${work.resolve('root.pem')}", '-Dattestation.maxAge=PT30M', "-Dattestation.verifyReport=${work.resolve('matching.json')}")
assert ok.exitCode() == 0 : ok.output()
assert ok.output().contains('Expecting the PCRs of manifest')
assert ok.output().contains('verdict     OK (image: checked against manifest ')
def okReport = new JsonSlurper().parse(work.resolve('matching.json').toFile())
assert okReport.image.checked == true && okReport.results[0].image.checked == true
assert okReport.results[0].pcrCheck.values().every { it == 'match' }
def bad = mvn.run(basedir.toPath(), work.resolve('other.log'), 'attestation:verify', "-Ddoc=${work.resolve('other')}",
        "-Dattestation.trustAnchor=${work.resolve('root.pem')}", '-Dattestation.maxAge=PT30M', "-Dattestation.verifyReport=${work.resolve('other.json')}")
assert bad.exitCode() != 0 : bad.output()
assert new JsonSlurper().parse(work.resolve('other.json').toFile()).results[0].code == 'PCR_MISMATCH'
return true
