// neostandard (standard style) with TypeScript support; the type checker runs separately (npm run lint).
import neostandard from 'neostandard'

export default [
  ...neostandard({ ts: true, ignores: ['dist/**', 'node_modules/**', 'bench/results/**', 'web/dist/**'] }),
  {
    files: ['**/*.ts'],
    rules: {
      // Types come from the definitions (src/protocol/messages); an `any` switches the checking off.
      '@typescript-eslint/no-explicit-any': 'error'
    }
  }
]
