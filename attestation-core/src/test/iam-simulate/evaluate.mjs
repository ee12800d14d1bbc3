// Test-only oracle for KeyPolicyDifferential: evaluates each case (one JSON object per line) with
// @cloud-copilot/iam-simulate, once without and once with an identity policy that allows kms:* on every key,
// and writes one JSON answer per line in the same order.
//
//   node evaluate.mjs cases.jsonl answers.jsonl
//
// Case:   {"id", "policy", "principal", "action", "resource", "resourceAccount", "context"}
// Answer: {"id", "withoutIam", "withIam", "errors", "ignoredContextKeys", "explain"}
//   withoutIam/withIam: "Allowed" | "ImplicitlyDenied" | "ExplicitlyDenied" | "Error"
//   explain: per key-policy statement of the run without IAM, how the oracle matched it (for reading disagreements)
import { runSimulation } from '@cloud-copilot/iam-simulate'
import { readFileSync, writeFileSync, renameSync } from 'node:fs'

const [casesFile, answersFile] = process.argv.slice(2)
if (!casesFile || !answersFile) {
  console.error('usage: node evaluate.mjs cases.jsonl answers.jsonl')
  process.exit(2)
}

const allowAllKms = {
  name: 'allow-kms-all',
  policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kms:*', Resource: '*' }] }
}

function explainStatements(analysis) {
  if (!analysis) {
    return []
  }
  const all = [...analysis.allowStatements, ...analysis.denyStatements, ...analysis.unmatchedStatements]
  return all.map((s) => ({
    sid: s.explain?.identifier,
    effect: s.explain?.effect,
    matches: s.explain?.matches,
    principal: s.principalMatch,
    action: s.actionMatch,
    resource: s.resourceMatch,
    condition: s.conditionMatch,
    conditions: (s.explain?.conditions ?? []).map((c) => `${c.operator} ${c.conditionKeyValue}: ${c.matches}`)
  }))
}

async function simulate(c, identityPolicies) {
  const result = await runSimulation(
    {
      identityPolicies,
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      resourcePolicy: c.policy,
      request: {
        principal: c.principal,
        action: c.action,
        resource: { resource: c.resource, accountId: c.resourceAccount },
        contextVariables: c.context
      }
    },
    {}
  )
  if (result.resultType === 'error') {
    return { answer: 'Error', errors: result.errors }
  }
  if (result.resultType !== 'single') {
    return { answer: 'Error', errors: `unexpected result type ${result.resultType}` }
  }
  return {
    answer: result.overallResult,
    ignored: result.result.ignoredContextKeys ?? [],
    explain: explainStatements(result.result.analysis?.resourceAnalysis)
  }
}

const lines = readFileSync(casesFile, 'utf8').split('\n').filter((l) => l.length > 0)
const out = []
for (const line of lines) {
  const c = JSON.parse(line)
  const without = await simulate(c, [])
  const withIam = await simulate(c, [allowAllKms])
  out.push(
    JSON.stringify({
      id: c.id,
      withoutIam: without.answer,
      withIam: withIam.answer,
      errors: without.errors ?? withIam.errors ?? null,
      ignoredContextKeys: [...new Set([...(without.ignored ?? []), ...(withIam.ignored ?? [])])],
      explain: without.explain ?? []
    })
  )
}
// Written under a temporary name first: a half-written answers file is never read as complete.
writeFileSync(answersFile + '.part', out.join('\n') + '\n')
renameSync(answersFile + '.part', answersFile)
console.log(`iam-simulate: ${out.length} cases evaluated`)
