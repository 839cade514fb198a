import { describeWebhookScenario } from '../support/webhook-scenario';

describeWebhookScenario('kubernetes');
