// node:test reporter that ends the run with one plain line: "N passed, N failed".
export default async function* summaryReporter(source) {
  let passed = 0
  let failed = 0
  for await (const event of source) {
    if (event.type === 'test:pass' && event.data.details?.type !== 'suite') passed++
    else if (event.type === 'test:fail' && event.data.details?.type !== 'suite') failed++
  }
  yield `\n${passed} passed, ${failed} failed\n`
}
