/**
 * The Kubernetes runtime against a real kube-apiserver with KWOK nodes
 * (test/support/kubernetes-runtime-fixture.ts): the runtime contract every runtime meets
 * (test/support/runtime-contract.ts).
 */
import {
  hostPorts,
  runtime,
  spec,
  useKubernetesRuntime,
} from '../support/kubernetes-runtime-fixture';
import { describeRuntimeContract } from '../support/runtime-contract';

useKubernetesRuntime();

describeRuntimeContract('kubernetes', {
  runtime: () => runtime,
  spec: () => spec(),
  hostPorts,
  bulkRooms: 50,
});
