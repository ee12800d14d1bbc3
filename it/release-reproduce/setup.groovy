import dev.attested.maven.ItGit

// A release records the commit it was built from and refuses a dirty tree: the project is its own repository,
// committed as it was copied (build output and the invoker's log ignored).
def dir = basedir.toPath()
def dotGit = new File(basedir, '.git')
if (dotGit.exists()) {
    assert dotGit.deleteDir()
}
new File(basedir, '.gitignore').text = 'target/\nbuild.log\n'
ItGit.initAndCommit(dir, 'release-reproduce 1.0.0')
return true
