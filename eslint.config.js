// typescript-eslint with type information: no `any`, no forgotten promises, and the layering rule
// that nothing below the GraphQL layer imports GraphQL.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const GRAPHQL_LAYER = ['graphql', 'graphql/*', '@apollo/*', 'graphql-shield', 'graphql-middleware', '**/graphql/*', '**/graphql/**'];

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      'dist/**',
      'data/**',
      'src/graphql/generated/**',
      'src/dashboard/public/**',
      'src/http/graphiql/**',
      'migrations/**',
      'test-results/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['codegen.ts', 'eslint.config.js', 'scripts/*.mjs'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  {
    // Services, commands, policies, stores and rules take a plain Context: only src/graphql/,
    // the resolvers and the shield gate know GraphQL.
    files: ['src/**/*.ts'],
    ignores: ['src/graphql/**', 'src/modules/*/resolvers.ts', 'src/permissions.ts', 'src/app.ts', 'src/http/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: GRAPHQL_LAYER, message: 'Only the GraphQL layer (src/graphql, resolvers.ts) imports GraphQL.' }] },
      ],
    },
  },
  {
    // A module reaches another only through its api.ts (or its pure rules.ts), never its store or service.
    files: ['src/modules/**/*.ts'],
    ignores: ['src/modules/*/resolvers.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: GRAPHQL_LAYER, message: 'Only the GraphQL layer (src/graphql, resolvers.ts) imports GraphQL.' },
            {
              group: [
                '../*/store.js',
                '../*/service.js',
                '../*/commands/*',
                '../../*/store.js',
                '../../*/service.js',
                '../../*/commands/*',
              ],
              message: "Use the other module's api.ts.",
            },
          ],
        },
      ],
    },
  },
  {
    // plain Node scripts: TypeScript's checker knows Node's globals, eslint's core rule does not
    files: ['**/*.js', '**/*.mjs'],
    rules: { 'no-undef': 'off' },
  },
  {
    // Tests may use `any` to poke at raw GraphQL responses.
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
