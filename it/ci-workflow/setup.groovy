// The workflow runs the project's own wrapper at the repository root: give this project the repository's.
def root = new File(repoRoot)
new File(basedir, '.mvn/wrapper').mkdirs()
new File(basedir, 'mvnw').bytes = new File(root, 'mvnw').bytes
new File(basedir, 'mvnw').setExecutable(true)
new File(basedir, '.mvn/wrapper/maven-wrapper.properties').bytes = new File(root, '.mvn/wrapper/maven-wrapper.properties').bytes
new File(basedir, '.gitignore').text = 'target/\nbuild.log\n'
return true
