import dev.attested.maven.ReleaseWorkflow
import dev.attested.pcr.Pcr
import dev.attested.pcr.PcrManifest
import java.nio.file.Files
import java.nio.file.Path

// Runs the CI template's build, compare, sign and release steps locally, as Actions would run them on a tag.
def wf = ReleaseWorkflow.load()
Path ci = new File(basedir, 'target/ci').toPath()
Path runner = ci.resolve('runner')
Path workspace = ci.resolve('workspace')
Files.createDirectories(runner)
Files.createDirectories(workspace.resolve('source'))

def sh = { String script, List<String> args ->
    def p = new ProcessBuilder(['bash', '-c', script, 'sh'] + args).redirectErrorStream(true).start()
    def out = p.inputStream.text
    assert p.waitFor() == 0 : out
}
// actions/checkout: the tagged source, without build output
sh('tar --exclude=./target --exclude=./build.log -C "$1" -cf - . | tar -xf - -C "$2"',
        [basedir.path, workspace.resolve('source').toString()])
// Maven for the nested builds: the plugin under test from the invoker repository, the rest from the outer one
Path settings = ci.resolve('settings.xml')
Files.writeString(settings, new File(repoRoot, 'it/settings.xml').text.replace('@localRepositoryUrl@',
        new File(outerRepo).toURI().toString()))
def env = new LinkedHashMap(wf.jobEnv([:]))
env.MVN = "${System.getProperty('maven.home')}/bin/mvn -B -ntp -s ${settings} -Dmaven.repo.local=${localRepositoryPath}".toString()
env.RUNNER_TEMP = runner.toString()
env.GITHUB_WORKSPACE = workspace.toString()
env.JAVA_HOME = System.getProperty('java.home')

def run = { String id ->
    assert wf.enabled(id, env)
    def r = wf.run(id, env, ci, 20)
    assert r.exitCode() == 0 : "step ${id} failed:\n${r.output()}"
}
run('build')
run('compare')
Path a = runner.resolve('build-a/target/attestation')
Path b = runner.resolve('build-b/target/attestation')
def unsigned = PcrManifest.read(a.resolve('pcr-manifest.json'))

// The two builds were really separate and really identical.
assert Files.readAllBytes(a.resolve('ci-workflow-1.0.0.eif')) == Files.readAllBytes(b.resolve('ci-workflow-1.0.0.eif'))
assert Files.readAllBytes(a.resolve('pcr-manifest.json')) == Files.readAllBytes(b.resolve('pcr-manifest.json'))

// Signing runs only with the secret; with a generated test key it adds PCR8 and leaves PCR0-2 alone.
assert !wf.enabled('sign', env) : 'without the secret the EIF is not signed'
def secrets = ReleaseWorkflow.testSigningKey()
env.putAll(wf.jobEnv(['secrets.EIF_SIGNING_KEY': secrets[0], 'secrets.EIF_SIGNING_CERTIFICATE': secrets[1]])
        .subMap(['EIF_SIGNING_KEY', 'EIF_SIGNING_CERTIFICATE']))
run('sign')
def signed = PcrManifest.read(a.resolve('pcr-manifest.json'))
def certDer = Base64.mimeDecoder.decode(secrets[1].replaceAll('-----[A-Z ]+-----', ''))
assert signed.pcrs()[8] == Pcr.ofSigningCertificate(certDer).hex()
assert (0..2).every { signed.pcrs()[it] == unsigned.pcrs()[it] }
assert !Files.exists(runner.resolve('eif-signing-key.pem')) : 'the key file is removed'

run('release')

// What the publish step uploads exists.
Path bundle = a.resolve('release/1.0.0')
['REPRODUCE.md', 'SHA256SUMS', 'ci-workflow-1.0.0.eif', 'pcr-manifest.json', 'provenance.intoto.json'].each {
    assert Files.isRegularFile(bundle.resolve(it)) : it
}
assert Files.readString(runner.resolve('build-a/pcr-history.json')).contains('"prod"')
assert PcrManifest.read(bundle.resolve('pcr-manifest.json')).pcrs()[8] == signed.pcrs()[8] : 'the signed EIF is released'


// A consumer reproduces the signed release from the other checkout, without the key: PCR0-2 rebuilt, PCR8 read
// from the released EIF's signature.
def mvn = new dev.attested.maven.ItMaven(new File(repoRoot), outerRepo, localRepositoryPath.path, ci.resolve('consumer'))
def consumer = mvn.run(runner.resolve('build-b'), ci.resolve('consumer/reproduce.log'), 'attestation:reproduce',
        "-Dmanifest=${bundle.resolve('pcr-manifest.json')}")
assert consumer.exitCode() == 0 : consumer.output()
assert consumer.output().contains('REPRODUCED: every PCR matches the published release.')
assert consumer.output().contains('PCR8 was measured from the signing certificate in the published EIF')
return true
