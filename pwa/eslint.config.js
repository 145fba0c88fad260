// ESLint for the field app: only rules that catch real bugs. Prettier owns the layout, and
// eslint-config-prettier (last) turns off any rule that would argue with it.
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import globals from 'globals';

// Modules the service worker bundles (sw/index.js imports outbox/drain.js, which reaches these).
// They run in the page and in the worker, so they may only use what both have: `self`, not
// `window`; no `document`. Keep this list in step with sw/index.js's imports.
const SHARED_WITH_WORKER = [
  'auth/session.js',
  'db/index.js',
  'db/meta.js',
  'db/pack.js',
  'db/photos.js',
  'outbox/**/*.js',
  'photos/upload.js',
  'sync/**/*.js',
];

/** Globals present both in a page and in a service worker. */
function globalsOfPageAndWorker() {
  return Object.fromEntries(Object.entries(globals.browser).filter(([name]) => name in globals.serviceworker));
}

export default [
  { ignores: ['dist/', 'node_modules/'] },
  { linterOptions: { reportUnusedDisableDirectives: 'error' } },
  js.configs.recommended,
  {
    rules: {
      // `x == null` is the one loose comparison that says what it means (null or undefined).
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      // `const { drop, ...kept } = x` is how an object loses a key; `drop` is meant to go unused.
      'no-unused-vars': ['error', { ignoreRestSiblings: true }],
      'array-callback-return': 'error',
      'no-self-compare': 'error',
      'no-template-curly-in-string': 'error',
      'no-unreachable-loop': 'error',
      // Only uses in the same scope, which throw at run time (temporal dead zone); functions are hoisted.
      'no-use-before-define': ['error', { functions: false, classes: false, variables: false }],
    },
  },
  {
    files: ['**/*.js'],
    ignores: ['eslint.config.js', 'sw/**', ...SHARED_WITH_WORKER],
    languageOptions: { globals: globals.browser },
  },
  {
    files: SHARED_WITH_WORKER,
    languageOptions: { globals: globalsOfPageAndWorker() },
  },
  {
    files: ['sw/**/*.js'],
    // __BUILD_LABEL__ is replaced by build.mjs (esbuild `define`).
    languageOptions: { globals: { ...globals.serviceworker, __BUILD_LABEL__: 'readonly' } },
  },
  {
    files: ['build.mjs', 'tools/**/*.mjs', 'eslint.config.js'],
    languageOptions: { globals: globals.node },
  },
  prettier,
];
