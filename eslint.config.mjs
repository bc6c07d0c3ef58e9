// ESLint for the whole tree: `npm run lint` (with Prettier), `npm run format` to fix what can be fixed.
// Formatting is Prettier's job alone (eslint-config-prettier, last, turns off every rule that would fight it).
import eslint from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import prettier from 'eslint-config-prettier';
import globals from 'globals';
import tseslint from 'typescript-eslint';

// A focused test turns the rest of its file off and a skipped one itself: neither may land, every test runs in CI.
const focusedOrSkippedTests = [
  {
    selector: 'MemberExpression[object.name=/^(describe|it|test)$/][property.name=/^(only|skip)$/]',
    message: 'No .only/.skip in committed tests: every test runs in CI.',
  },
  {
    selector: 'CallExpression[callee.name=/^(f|x)(describe|it|test)$/]',
    message: 'No fdescribe/fit/xdescribe/xit in committed tests: every test runs in CI.',
  },
];

export default defineConfig(
  // What .gitignore lists (ESLint does not read it; node_modules/ is ignored by default), and the CLI's client
  // types, generated from openapi.json by `npm run cli:types`.
  globalIgnores(['dist/', 'coverage/', '.data/', '.perf-*.mts', '.dbg.js', 'apps/cli/src/api/schema.ts']),
  eslint.configs.recommended,
  tseslint.configs.recommended,
  {
    languageOptions: {
      globals: globals.node,
      parserOptions: {
        projectService: {
          // scripts/ (and bench/, through bench/tsconfig.json) run as .mts under Node's type stripping, outside tsconfig.json's build.
          allowDefaultProject: ['scripts/*.mts'],
          defaultProject: 'tsconfig.scripts.json',
        },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          args: 'after-used',
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrorsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
          ignoreRestSiblings: true,
        },
      ],
      // The type-aware rules that catch real bugs: a promise nobody awaits or catches (an unhandled rejection
      // kills the process), a promise where a boolean or a void callback is expected, an await on a non-promise,
      // a `return promise` inside try that its catch/finally never sees, a thrown non-Error (no stack, and the
      // error filter maps by class). The rest of recommendedTypeChecked is left out on purpose: the no-unsafe-*
      // family fights supertest's `res.body: any` in every e2e assertion (~1,000 reports) and require-await
      // fights fakes that implement async interfaces synchronously.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      // ConfigSnapshots.get answers from memory without a promise on the hot path (Snapshot | Promise<Snapshot>),
      // so Promise.all over a mix of values and promises is how callers wait for several reads.
      '@typescript-eslint/await-thenable': ['error', { allowMixedPromiseArrays: true }],
      '@typescript-eslint/return-await': ['error', 'in-try-catch'],
      '@typescript-eslint/only-throw-error': 'error',
      '@typescript-eslint/prefer-promise-reject-errors': 'error',
      '@typescript-eslint/no-for-in-array': 'error',
      '@typescript-eslint/no-implied-eval': 'error',
      '@typescript-eslint/no-array-delete': 'error',
      'no-restricted-syntax': ['error', ...focusedOrSkippedTests],
    },
  },
  {
    files: ['**/*.js', '**/*.cjs', '**/*.mjs'],
    extends: [tseslint.configs.disableTypeChecked],
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  prettier,
);
