import { describeHealthScenarios } from '../support/health-scenarios';

describeHealthScenarios('kubernetes');
