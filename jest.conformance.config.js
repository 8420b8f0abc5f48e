/** Official test vectors read from ../shared (CONFORMANCE_DIR): `npm run test:conformance`. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['<rootDir>/test/conformance/**/*.test.ts'],
  transform: { '^.+\\.ts$': 'ts-jest' },
  reporters: ['default', '<rootDir>/test/support/summary-reporter.js'],
};
