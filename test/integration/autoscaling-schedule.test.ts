import { describeAutoscalingScenarios } from '../support/autoscaling-scenarios';

describeAutoscalingScenarios('local');
