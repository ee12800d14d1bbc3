// A 500 MB document file, sparse so that it costs no disk: the goal must refuse it by its size, not read it.
def huge = new File(basedir, 'target/huge.b64')
huge.parentFile.mkdirs()
new RandomAccessFile(huge, 'rw').withCloseable { it.setLength(500L * 1024 * 1024) }
return true
