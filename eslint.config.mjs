// Lint: the recommended JavaScript and TypeScript rules. Tests and benchmarks read JSON
// answers of many shapes, so `any` is allowed there and nowhere else.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: ['node_modules/', '.data/', '.tools/', 'dist/', 'coverage/', 'bench/results/', 'test/artifacts/', 'web/'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
  {
    files: ['test/**', 'bench/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  // Routes receive services only: no database, no repository, no SQL.
  {
    files: ['src/api/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/db/*', '**/db', '**/repositories/*'], message: 'routes call services, not the database' },
          ],
          paths: [
            { name: 'drizzle-orm', message: 'routes call services, not the database' },
            { name: 'postgres', message: 'routes call services, not the database' },
          ],
        },
      ],
    },
  },
  // Services hold the rules; repositories do the SQL (drizzle types are fine).
  {
    files: ['src/services/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'drizzle-orm', allowTypeImports: true, message: 'SQL belongs in src/repositories' }],
          patterns: [
            {
              group: ['**/db/schema', '**/db/schema/*'],
              allowTypeImports: true,
              message: 'tables are read and written in src/repositories',
            },
          ],
        },
      ],
    },
  },
);
