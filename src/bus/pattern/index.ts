// EventBridge event patterns: validate -> compile -> match.
export { InvalidEventPatternError } from './errors.js'
export { parsePattern, compilePattern } from './compile.js'
export { matchesPattern } from './evaluate.js'
export { RuleMatcher } from './rule-matcher.js'
export type { CompiledPattern, Branch, Condition, Matcher, Leaf } from './types.js'
