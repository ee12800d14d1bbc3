// The help a user gets must say what the plugin descriptor says, word for word, for every goal and parameter.
import java.util.zip.ZipFile
import javax.xml.parsers.DocumentBuilderFactory

def norm = { String s -> s.replaceAll(/\s+/, ' ').trim() }
def children = { node, String name -> (0..<node.childNodes.length).collect { node.childNodes.item(it) }.findAll { it.nodeName == name } }
def text = { node, String name -> children(node, name).with { it.isEmpty() ? null : it[0].textContent } }

// The descriptor of the plugin under test, as installed for these builds.
def jar = new File(localRepositoryPath, 'dev/attested/attestation-maven-plugin').listFiles()
        .collectMany { (it.listFiles() ?: []) as List }.find { it.name ==~ /attestation-maven-plugin-[^-]+(-SNAPSHOT)?\.jar/ }
assert jar : "no plugin jar under ${localRepositoryPath}"
def descriptor = new ZipFile(jar).withCloseable { zip ->
    DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(zip.getInputStream(zip.getEntry('META-INF/maven/plugin.xml')))
}
def goals = [:]  // goal -> [description, [parameter -> description] (editable ones: the ones a user sets)]
children(children(descriptor.documentElement, 'mojos')[0], 'mojo').each { mojo ->
    def params = [:]
    children(children(mojo, 'parameters')[0], 'parameter').each { p ->
        def name = text(p, 'name'), description = text(p, 'description')
        assert description?.trim() : "parameter ${text(mojo, 'goal')}/${name} has no description"
        if (text(p, 'editable') == 'true') params[name] = description
    }
    goals[text(mojo, 'goal')] = [text(mojo, 'description'), params]
}
assert goals.keySet() == ['build-eif', 'describe-eif', 'help', 'kms-policy', 'package-blobs', 'release', 'reproduce', 'verify'] as Set
assert goals['build-eif'][1].keySet().containsAll(['mode', 'blobs', 'baseImage', 'mainClass', 'outputDirectory', 'skip'])
assert goals['build-eif'][1].keySet().containsAll(['imageEnvironment']) && !goals['build-eif'][1].containsKey('environment')
assert goals['verify'][1].keySet().containsAll(['doc', 'manifest', 'pcrs', 'environment', 'at', 'maxAge', 'verifyReport', 'trustAnchor'])
assert goals['kms-policy'][1].keySet().containsAll(['manifests', 'environment', 'policy', 'evaluate', 'kmsPolicy'])
assert goals['release'][1].keySet().containsAll(['releaseDirectory', 'kmsPolicy', 'environment'])

// Descriptions are plain text: nothing a reader treats as HTML or javadoc (help:describe drops anything in <...>),
// every ${expression} closed, ASCII only (a console in another encoding prints ? for the rest). The help goal's own
// description comes from maven-plugin-plugin's template (it says -Dgoal=<goal-name>); its parameters are checked.
goals.each { goal, g ->
    ((goal == 'help' ? [:] : [(goal): g[0]]) + g[1].collectEntries { k, v -> [("${goal}/${k}".toString()): v] }).each { where, d ->
        assert d?.trim() : "${where}: no description"
        assert !(d =~ /<[A-Za-z\/!]/) && !d.contains('&lt;') && !d.contains('&amp;') : "${where}: markup in ${d}"
        assert !d.contains('{@') : "${where}: javadoc tag left in ${d}"
        assert d.findAll(/\$\{/).size() == d.findAll(/\$\{[A-Za-z][\w.]*\}/).size() : "${where}: broken expression in ${d}"
        assert d ==~ /[\x20-\x7e\s]*/ : "${where}: non-ASCII text in ${d}"
    }
}
def buildEifDescription = goals['build-eif'][0]
assert buildEifDescription.contains('target/attestation/${project.artifactId}-${project.version}.eif')
assert goals['release'][0].contains('target/attestation/release/${project.version}/')
assert goals['verify'][1]['manifest'].contains('${project.build.directory}/attestation/pcr-manifest.json is expected')

// attestation:help output, one section per invocation (from the goal's header to the end of its log message).
def sections = []
def current = null
new File(basedir, 'build.log').readLines().each { line ->
    if (line =~ /--- attestation:[^ ]*:help \(default-cli\)/) { current = []; sections << current }
    else if (current != null && (line.startsWith('[INFO] ---') || line.startsWith('[INFO] BUILD') || line.startsWith('[WARNING]'))) current = null
    else if (current != null) current << line.replaceFirst(/^\[INFO\] /, '')
}
assert sections.size() == 3 : "expected 3 attestation:help runs, found ${sections.size()}"
def (overview, buildEif, all) = sections.collect { it.join('\n') }
def headers = { String s -> (s =~ /(?m)^attestation:([a-z-]+)$/).collect { it[1] } }

// 1: every goal, with its whole description, and no parameters
assert headers(overview) as Set == goals.keySet()
goals.each { goal, g -> assert norm(overview).contains(norm(g[0])) : "attestation:help lost text of ${goal}: ${g[0]}" }
assert !overview.contains('Available parameters')

// 2: build-eif only, every parameter with its whole description
assert headers(buildEif) == ['build-eif']
assert norm(buildEif).contains(norm(buildEifDescription))
assert buildEif.contains('target/attestation/${project.artifactId}-${project.version}.eif')
goals['build-eif'][1].each { name, d ->
    assert buildEif =~ /(?m)^ {4}${name}( \(Default:.*)?$/ : "parameter ${name} missing"
    assert norm(buildEif).contains(norm(d)) : "lost text of build-eif/${name}: ${d}"
}

// 3: every goal, every parameter
assert headers(all) as Set == goals.keySet()
def bodies = all.split(/(?m)^(?=attestation:[a-z-]+$)/).findAll { it.startsWith('attestation:') }
        .collectEntries { [(it.readLines()[0].substring('attestation:'.length())): it] }
goals.each { goal, g ->
    def section = bodies[goal]
    g[1].each { name, d ->
        assert section =~ /(?m)^ {4}${name}( \(Default:.*)?$/ : "parameter ${goal}/${name} missing"
        assert norm(section).contains(norm(d)) : "lost text of ${goal}/${name}: ${d}"
    }
}

// Every user property the help shows is namespaced, except verify's documented -Ddoc and the help goal's own.
def userProperties = (all =~ /User property: (\S+)/).collect { it[1] } as Set
assert userProperties.contains('attestation.environment') && userProperties.contains('doc')
assert (userProperties - ['doc', 'detail', 'goal', 'indentSize', 'lineLength']).every { it.startsWith('attestation.') } : "un-namespaced: ${userProperties.findAll { !it.startsWith('attestation.') }}"

// 4: help:describe, which converts descriptions from HTML, shows the same words
def describe = norm(new File(basedir, 'target/describe.txt').text)
goals.each { goal, g ->
    assert describe.contains("attestation:${goal}")
    assert goal == 'help' || describe.contains(norm(g[0])) : "help:describe lost text of ${goal}: ${g[0]}"
    g[1].each { name, d -> assert describe.contains(norm(d)) : "help:describe lost text of ${goal}/${name}: ${d}" }
}
return true
