import { describeScaleToZero } from '../support/scale-to-zero-scenarios';

describeScaleToZero('kubernetes');
