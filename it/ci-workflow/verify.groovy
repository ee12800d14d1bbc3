import dev.attested.maven.ReleaseWorkflow
import java.nio.file.Files
import java.nio.file.Path

// Runs the CI template's build, compare and release steps locally, as Actions would run them on a tag.
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

['build', 'compare', 'release'].each { id ->
    assert wf.enabled(id, env)
    def r = wf.run(id, env, ci, 20)
    assert r.exitCode() == 0 : "step ${id} failed:\n${r.output()}"
}
assert !wf.enabled('sign', env) : 'without the secret the EIF is not signed'

// The two builds were really separate and really identical.
Path a = runner.resolve('build-a/target/attestation')
Path b = runner.resolve('build-b/target/attestation')
assert Files.readAllBytes(a.resolve('ci-workflow-1.0.0.eif')) == Files.readAllBytes(b.resolve('ci-workflow-1.0.0.eif'))
assert Files.readAllBytes(a.resolve('pcr-manifest.json')) == Files.readAllBytes(b.resolve('pcr-manifest.json'))
// What the publish step uploads exists.
Path bundle = a.resolve('release/1.0.0')
['REPRODUCE.md', 'SHA256SUMS', 'ci-workflow-1.0.0.eif', 'pcr-manifest.json', 'provenance.intoto.json'].each {
    assert Files.isRegularFile(bundle.resolve(it)) : it
}
assert Files.readString(runner.resolve('build-a/pcr-history.json')).contains('"prod"')
return true
