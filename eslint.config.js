// neostandard (standard style) with TypeScript support; the type checker runs separately (npm run lint).
import neostandard from 'neostandard'

export default [
  ...neostandard({ ts: true, ignores: ['dist/**', 'node_modules/**', 'bench/results/**', 'web/dist/**'] }),
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'off'
    }
  }
]
