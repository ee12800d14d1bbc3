// The attested jar (java -jar, as a user runs it) against the goals' outputs, on Java 17 and on the JDK of this build.
import java.nio.file.Files

def jar = new File(attestedJar)
assert jar.isFile() : "no attested jar at ${jar}"

def java17 = System.getenv('ATTESTED_JAVA17') ?: new File('/usr/lib/jvm').listFiles()
        .findAll { it.name ==~ /.*(-17-|-17$|jdk-17).*/ && new File(it, 'bin/java').canExecute() }
        .sort { it.name }.collect { new File(it, 'bin/java').path }.find()
assert java17 : 'no Java 17 under /usr/lib/jvm (set ATTESTED_JAVA17 to its bin/java)'
def javas = ['17': java17, 'build': new File(System.getProperty('java.home'), 'bin/java').path]

def run = { String java, List<String> args ->
    def cmd = ([java, '-jar', jar.path] + args).collect { it.toString() }
    def p = new ProcessBuilder(cmd).directory(basedir).redirectError(ProcessBuilder.Redirect.INHERIT).start()
    def out = new ByteArrayOutputStream()
    p.inputStream.transferTo(out)
    assert p.waitFor() == 0 : "exit ${p.exitValue()}: ${cmd.join(' ')}"
    return out.toByteArray()
}

def goal = new File(basedir, 'target/goal')
def eifName = 'goal-vs-cli-1.0.0.eif'
javas.each { label, java ->
    def out = "target/cli-${label}"
    run(java, ['build-eif', '--image', 'target/attestation/goal-vs-cli-1.0.0-image.tar', '--blobs', 'blobs',
               '--output', out, '--timestamp', '2026-01-01T00:00:00Z', '--name', 'goal-vs-cli', '--version', '1.0.0'])
    [eifName, 'pcr-manifest.json'].each { name ->
        byte[] expected = new File(goal, name).bytes
        byte[] actual = new File(basedir, "${out}/${name}").bytes
        assert Arrays.equals(expected, actual) : "${name} of attested build-eif (Java ${label}) differs from the goal's"
    }
    byte[] described = run(java, ['describe-eif', "target/goal/${eifName}"])
    assert Arrays.equals(new File(goal, 'describe-eif.json').bytes, described) :
            "attested describe-eif (Java ${label}) differs from the goal's:\n" + new String(described, 'UTF-8')
}
println "attested build-eif and describe-eif: the goals' bytes on Java ${javas.keySet().join(' and ')}"
return true
