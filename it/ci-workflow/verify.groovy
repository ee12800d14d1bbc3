import com.sun.net.httpserver.HttpServer
import dev.attested.maven.ItGit
import dev.attested.maven.ReleaseWorkflow
import dev.attested.pcr.Pcr
import dev.attested.pcr.PcrHistory
import dev.attested.pcr.PcrManifest
import groovy.json.JsonSlurper
import java.nio.file.Files
import java.nio.file.Path
import java.security.MessageDigest
import java.util.zip.ZipEntry
import java.util.zip.ZipOutputStream

// Runs the CI template's steps on this multi-module project as Actions would on the tag v1.0.0 of a repository:
// the repository is a local bare one, the private blob repository a local HTTP server that wants credentials, and
// `gh` a stand-in that records what would be published.
def wf = ReleaseWorkflow.load()
Path ci = new File(basedir, 'target/ci').toPath()
Path runner = ci.resolve('runner')
Path workspace = ci.resolve('workspace')
Files.createDirectories(runner)
Files.createDirectories(workspace)
def json = { Path f -> new JsonSlurper().parse(f.toFile()) }
def sha = { String alg, byte[] b -> MessageDigest.getInstance(alg).digest(b).encodeHex().toString() }

// --- The "GitHub" repository: main accepts 0.9.0 for prod; v1.0.0 is tagged; main moves on after the tag.
Path work = ci.resolve('repository')
Files.createDirectories(work)
def copy = new ProcessBuilder('bash', '-c', 'tar --exclude=target --exclude=build.log -C "$1" -cf - . | tar -xf - -C "$2"',
        'sh', basedir.path, work.toString()).redirectErrorStream(true).start()
assert copy.waitFor() == 0 : copy.inputStream.text
def older = new TreeMap<Integer, String>([0: 'a0' * 48, 1: 'a1' * 48, 2: 'a2' * 48])
PcrHistory.empty().append('prod', new PcrHistory.Release('0.9.0', 'ci-workflow-enclave-0.9.0.eif', 'ab' * 32, older,
        '2025-06-01T00:00:00Z', null)).write(work.resolve('enclave/pcr-history.json'))
def tagged = ItGit.initAndCommit(work, 'ci-workflow 1.0.0')
ItGit.run(work, 'tag', 'v1.0.0')
Files.writeString(work.resolve('NOTES.md'), 'work after the release\n')
ItGit.run(work, 'add', 'NOTES.md')
ItGit.run(work, 'commit', '-q', '-m', 'after v1.0.0')
def afterTag = ItGit.run(work, 'rev-parse', 'HEAD')
Path origin = ci.resolve('origin.git')
ItGit.run(ci, 'clone', '-q', '--bare', work.toString(), origin.toString())
// actions/checkout of the tag (depth 1, detached HEAD, origin set)
ItGit.run(workspace, 'clone', '-q', '--depth', '1', '--branch', 'v1.0.0', origin.toUri().toString(), 'source')

// --- The private blob repository: the blobs as a zip, served only with the right Basic credentials.
def user = 'ci-reader', password = 'it-s3cret-' + System.nanoTime()
def zipBytes = new ByteArrayOutputStream()
new ZipOutputStream(zipBytes).withCloseable { zip ->
    new File(basedir, 'blobs').listFiles().sort { it.name }.each { f ->
        zip.putNextEntry(new ZipEntry(f.name)); zip.write(f.bytes); zip.closeEntry()
    }
}
def artifact = '/maven/dev/attested/it/ci-workflow-blobs/1.0.0/ci-workflow-blobs-1.0.0-x86_64.zip'
def served = [(artifact): zipBytes.toByteArray(), (artifact + '.sha1'): sha('SHA-1', zipBytes.toByteArray()).bytes]
def expectedAuth = 'Basic ' + "${user}:${password}".bytes.encodeBase64().toString()
def downloads = Collections.synchronizedList([])
def server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0)
server.createContext('/') { ex ->
    def body = served[ex.requestURI.path]
    int status
    if (ex.requestHeaders.getFirst('Authorization') != expectedAuth) {
        ex.responseHeaders.add('WWW-Authenticate', 'Basic realm="blobs"')
        status = 401
        body = null
    } else {
        status = body == null ? 404 : 200
        if (body != null) downloads << ex.requestURI.path
    }
    ex.sendResponseHeaders(status, body == null || ex.requestMethod == 'HEAD' ? -1 : body.length)
    if (body != null && ex.requestMethod != 'HEAD') ex.responseBody.write(body)
    ex.close()
}
server.start()
// Nothing cached: the blobs must come from the server.
new File(localRepositoryPath, 'dev/attested/it/ci-workflow-blobs').deleteDir()

// --- The runner: the job's env with the repository secrets, the project's wrapper with the test repositories.
Path settings = ci.resolve('it-settings.xml')
Files.writeString(settings, new File(repoRoot, 'it/settings.xml').text.replace('@localRepositoryUrl@',
        new File(outerRepo).toURI().toString()))
Path bin = Files.createDirectories(ci.resolve('bin'))
Files.writeString(bin.resolve('gh'), '#!/bin/sh\nprintf \'%s\\n\' "$@" >> "$GH_CALLS"\n')
bin.resolve('gh').toFile().setExecutable(true)
def secrets = ['secrets.BLOBS_REPOSITORY_USERNAME': user, 'secrets.BLOBS_REPOSITORY_PASSWORD': password,
               'github.event.repository.default_branch': 'main']
def env = new LinkedHashMap(wf.jobEnv(secrets))
env.putAll(ItGit.ISOLATED)
env.MVN = "./mvnw -B -ntp -s ${settings} -Dmaven.repo.local=${localRepositoryPath}".toString()
env.MODULE = 'enclave'
env.BUILD_ARGS = '-Dattestation.blobs=dev.attested.it:ci-workflow-blobs:1.0.0:x86_64'
env.BLOBS_REPOSITORY_ID = 'attested-it-blobs'
env.BLOBS_REPOSITORY_URL = "http://127.0.0.1:${server.address.port}/maven".toString()
env.RUNNER_TEMP = runner.toString()
env.GITHUB_WORKSPACE = workspace.toString()
env.GITHUB_REF_NAME = 'v1.0.0'
env.GITHUB_REPOSITORY = 'example/ci-workflow'
env.GH_CALLS = ci.resolve('gh-calls.txt').toString()
env.PATH = "${bin}:${System.getenv('PATH')}".toString()
env.JAVA_HOME = System.getProperty('java.home')
assert env.HISTORY_BRANCH == 'main' && env.HISTORY_COMMIT == 'push'

def run = { String id ->
    assert wf.enabled(id, env)
    def r = wf.run(id, env, ci, 20)
    assert r.exitCode() == 0 : "step ${id} failed:\n${r.output()}"
    return r.output()
}
try {
    run('settings')
    def generated = Files.readString(runner.resolve('attested-settings.xml'))
    assert generated.contains('<id>attested-blobs-repository</id>') && generated.contains('${env.BLOBS_REPOSITORY_PASSWORD}')
    assert !generated.contains(password) : 'the secret is never written to disk'
    run('build')
    run('compare')
} finally {
    server.stop(0)
}
// The blobs came from the private repository, with the credentials (the server refuses anything else).
assert downloads.contains(artifact) : "blobs not downloaded with credentials: ${downloads}"
Path a = runner.resolve('build-a/enclave/target/attestation')
Path b = runner.resolve('build-b/enclave/target/attestation')
def unsigned = PcrManifest.read(a.resolve('pcr-manifest.json'))
// ... and are the bytes of blobs/: the same PCRs as the invoker's own build from the directory.
assert unsigned.pcrs() == PcrManifest.read(basedir.toPath().resolve('enclave/target/attestation/pcr-manifest.json')).pcrs()

// The root wrapper built the module and its library (-pl enclave -am); both copies identical.
assert Files.isRegularFile(runner.resolve('build-a/lib/target/ci-workflow-lib-1.0.0.jar'))
assert Files.readAllBytes(a.resolve('ci-workflow-enclave-1.0.0.eif')) == Files.readAllBytes(b.resolve('ci-workflow-enclave-1.0.0.eif'))
assert Files.readAllBytes(a.resolve('pcr-manifest.json')) == Files.readAllBytes(b.resolve('pcr-manifest.json'))

// Signing runs only with the secret; with a generated test key it adds PCR8 and leaves PCR0-2 alone. The blobs
// are in the local repository by now (the server is gone).
assert !wf.enabled('sign', env) : 'without the secret the EIF is not signed'
def keys = ReleaseWorkflow.testSigningKey()
env.putAll(wf.jobEnv(['secrets.EIF_SIGNING_KEY': keys[0], 'secrets.EIF_SIGNING_CERTIFICATE': keys[1]])
        .subMap(['EIF_SIGNING_KEY', 'EIF_SIGNING_CERTIFICATE']))
run('sign')
def signed = PcrManifest.read(a.resolve('pcr-manifest.json'))
def certDer = Base64.mimeDecoder.decode(keys[1].replaceAll('-----[A-Z ]+-----', ''))
assert signed.pcrs()[8] == Pcr.ofSigningCertificate(certDer).hex()
assert (0..2).every { signed.pcrs()[it] == unsigned.pcrs()[it] }
assert !Files.exists(runner.resolve('eif-signing-key.pem')) : 'the key file is removed'

// The history to extend is main's (0.9.0), not the tag's; release accepts 1.0.0 in it.
run('history-base')
assert Files.readString(runner.resolve('pcr-history.base')).trim() == afterTag
def releaseLog = run('release')
assert releaseLog.contains("Source: commit ${tagged}, working tree clean") : 'the tag, detached, clean'
assert !releaseLog.contains('untracked') : 'build output is ignored, so nothing is untracked'
Path bundle = a.resolve('release/1.0.0')
['REPRODUCE.md', 'SHA256SUMS', 'ci-workflow-enclave-1.0.0.eif', 'pcr-manifest.json', 'provenance.intoto.json',
 'build-manifest.json', 'kms-policy-template.json'].each {
    assert Files.isRegularFile(bundle.resolve(it)) : it
}
assert PcrManifest.read(bundle.resolve('pcr-manifest.json')).pcrs()[8] == signed.pcrs()[8] : 'the signed EIF is released'
def build = json(bundle.resolve('build-manifest.json'))
assert build.module == 'enclave' && build.source.revision == tagged && build.source.dirty == false
assert Files.readString(bundle.resolve('REPRODUCE.md')).contains('./mvnw -B -pl enclave dev.attested:attestation-maven-plugin:')

// The history is committed back onto main (after the commit that followed the tag) and has both releases.
run('history')
assert ItGit.run(origin, 'rev-parse', 'main^') == afterTag
assert ItGit.run(origin, 'log', '-1', '--format=%s', 'main') == 'pcr-history.json: accept v1.0.0 for prod'
def pushed = PcrHistory.parse(ItGit.run(origin, 'show', 'main:enclave/pcr-history.json').bytes, 'main')
assert pushed.accepted('prod')*.version() == ['0.9.0', '1.0.0']
assert pushed.accepted('prod')[1].pcrs() == signed.pcrs()
assert ItGit.run(origin, 'show', 'main:NOTES.md') == 'work after the release'

// What the publish step uploads: every bundle file and the updated history, REPRODUCE.md as the notes.
run('publish')
def gh = Files.readAllLines(ci.resolve('gh-calls.txt'))
assert gh[0..2] == ['release', 'create', 'v1.0.0']
assert gh.contains(runner.resolve('pcr-history.json').toString())
assert gh.findAll { it.startsWith(bundle.toString()) }.collect { new File(it).name }.toSet() ==
        (bundle.toFile().list() as Set) + ['REPRODUCE.md']

// A consumer reproduces the signed release from the other checkout, without the key: PCR0-2 rebuilt, PCR8 read
// from the released EIF's signature.
def mvn = new dev.attested.maven.ItMaven(new File(repoRoot), outerRepo, localRepositoryPath.path, ci.resolve('consumer'))
def consumer = mvn.run(runner.resolve('build-b'), ci.resolve('consumer/reproduce.log'), '-pl', 'enclave',
        'attestation:reproduce', "-Dattestation.manifest=${bundle.resolve('pcr-manifest.json')}")
assert consumer.exitCode() == 0 : consumer.output()
assert consumer.output().contains('REPRODUCED: every PCR matches the published release.')
assert consumer.output().contains('PCR8 was measured from the signing certificate in the published EIF')
// ... and is told, in Maven's syntax, how to compare the bytes too.
assert consumer.output() =~ /\(-Dattestation\.signingKey=\S+ -Dattestation\.signingCertificate=\S+\) to compare them byte for byte/
return true
