import dev.attested.maven.ItGit

// The plugin block of README.md (between <!-- plugin-block:start --> and <!-- plugin-block:end -->) goes into this
// project's pom as it is: configuration at plugin level, so every goal reads all of it.
def readme = new File(repoRoot, 'README.md').text
def start = readme.indexOf('<!-- plugin-block:start -->')
def end = readme.indexOf('<!-- plugin-block:end -->')
assert start >= 0 && end > start : 'README.md has no <!-- plugin-block:start --> ... <!-- plugin-block:end --> markers'
def block = readme.substring(start + '<!-- plugin-block:start -->'.length(), end).trim()
assert block.startsWith('```xml') && block.endsWith('```') : "the README's plugin block is not one ```xml fence: ${block}"
block = block.substring('```xml'.length(), block.length() - 3).trim()
def plugin = new groovy.xml.XmlSlurper().parseText(block)
assert plugin.name() == 'plugin' && plugin.groupId.text() == 'dev.attested' && plugin.artifactId.text() == 'attestation-maven-plugin'
assert !plugin.configuration.isEmpty() : 'the README block has no plugin-level <configuration>'

def pom = new File(basedir, 'pom.xml')
def version = (pom.text =~ /<it.plugin.version>([^<]+)<\/it.plugin.version>/)[0][1]
assert plugin.version.text() == version : "the README names plugin version ${plugin.version.text()}, this build tests ${version}"

// The one substitution: the base image (the README pins a registry image; this build is offline). scratch plus a
// stand-in java (src/main/enclave/usr/bin/java) lets the README's mainClass entrypoint build.
def baseImage = plugin.configuration.baseImage.text()
def pasted = baseImage.isEmpty() ? block : block.replace("<baseImage>${baseImage}</baseImage>", '<baseImage>scratch</baseImage>')
assert baseImage.isEmpty() || pasted != block
println "README plugin block pasted at plugin level (baseImage ${baseImage ?: '(none)'} -> scratch)"
new File(basedir, 'readme-block.xml').text = pasted + '\n'
pom.text = pom.text.replace('<!-- README plugin block -->', pasted)

// The README's mainClass, as a class of this project.
def mainClass = plugin.configuration.mainClass.text()
if (mainClass) {
    def pkg = mainClass.contains('.') ? mainClass.substring(0, mainClass.lastIndexOf('.')) : ''
    def name = mainClass.substring(mainClass.lastIndexOf('.') + 1)
    def source = new File(basedir, "src/main/java/${mainClass.replace('.', '/')}.java")
    source.parentFile.mkdirs()
    source.text = (pkg ? "package ${pkg};\n\n" : '') + """/** The README's mainClass. */
public final class ${name} {
    private ${name}() {}

    public static void main(String[] args) {
        System.out.println("Hello from " + System.getenv("APP_MODE"));
    }
}
"""
}

// verify reads one real AWS document from the repository's test vectors.
def documents = new File(basedir, 'documents')
documents.mkdirs()
def vector = new File(vectorsDir, 'attestation').listFiles().findAll { it.name.endsWith('-prod.b64') }.sort { it.name }[-1]
new File(documents, vector.name).bytes = vector.bytes

// release records the commit: the project is its own clean repository.
def dotGit = new File(basedir, '.git')
if (dotGit.exists()) {
    assert dotGit.deleteDir()
}
new File(basedir, '.gitignore').text = 'target/\nbuild.log\n'
ItGit.initAndCommit(basedir.toPath(), 'readme-plugin-block 1.0.0')
return true
