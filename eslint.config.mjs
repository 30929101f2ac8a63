// Lint: the recommended JavaScript and TypeScript rules. Tests and benchmarks read JSON
// answers of many shapes, so `any` is allowed there and nowhere else.
import { builtinModules } from 'node:module';
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
  {
    // Workflow code is deterministic orchestration: nothing from Node, the network or the database;
    // activities are known by their types only (proxyActivities), never called directly.
    files: ['workflows/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: builtinModules,
          patterns: [
            { group: ['node:*'], message: 'Workflow code runs in the deterministic sandbox: no Node built-ins.' },
            {
              group: ['@temporalio/client', '@temporalio/worker', '@temporalio/activity'],
              message: 'Workflow code imports @temporalio/workflow only.',
            },
            {
              group: ['**/src/db', '**/src/db/**', '**/src/repositories/**', '**/src/services/**', '**/src/api/**'],
              message: 'Workflows reach the database and services through activities.',
            },
            {
              group: ['**/activities', '**/activities/**'],
              allowTypeImports: true,
              message: 'Workflows know activities by their types only: `import type` and proxyActivities.',
            },
          ],
        },
      ],
    },
  },
  {
    // Domain rules are pure: shared by workflows, activities and the API, they import none of them.
    files: ['src/domain/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                '**/workflows',
                '**/workflows/**',
                '**/activities',
                '**/activities/**',
                '**/db',
                '**/db/**',
                '**/repositories/**',
                '**/services/**',
                '**/api/**',
              ],
              message: 'src/domain holds pure rules and data: no workflows, activities, database, services or API.',
            },
          ],
        },
      ],
    },
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
