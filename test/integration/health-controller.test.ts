import { describeHealthScenarios } from '../support/health-scenarios';

describeHealthScenarios('local');
