const { projects } = require('./jest.config');

const integration = projects.find((project) => project.displayName === 'integration');

/**
 * `npm run record:histories`: runs test/record on the integration tests' services, writing a new
 * recording of workflow histories into test/fixtures/workflow-histories.
 */
/** @type {import('jest').Config} */
module.exports = {
  projects: [
    { ...integration, displayName: 'record', testMatch: ['<rootDir>/test/record/**/*.record.ts'] },
  ],
};
