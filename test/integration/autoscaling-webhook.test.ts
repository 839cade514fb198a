import { describeWebhookScenario } from '../support/webhook-scenario';

describeWebhookScenario('local');
describeWebhookScenario('local', { isHealthWatchOn: false });
