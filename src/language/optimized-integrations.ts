/**
 * The optimized integrations AWS Step Functions knows (`arn:aws:states:::SERVICE:ACTION`) and the
 * integration patterns each supports, from AWS's "Integrating services with Step Functions" table.
 * The validator refuses a Task resource not listed here, as AWS does ("The resource provided … is
 * not recognized"); src/integrations may read it to tell "unknown to AWS" from "not served here".
 */
import type { IntegrationPattern } from './resource-arn.js';

type Patterns = readonly IntegrationPattern[];

const RR: Patterns = ['requestResponse'];
const RR_SYNC: Patterns = ['requestResponse', 'sync'];
const RR_TOKEN: Patterns = ['requestResponse', 'waitForTaskToken'];
const ALL: Patterns = ['requestResponse', 'sync', 'waitForTaskToken'];

export const OPTIMIZED_INTEGRATIONS: Readonly<Record<string, Readonly<Record<string, Patterns>>>> = {
  apigateway: { invoke: RR_TOKEN },
  athena: { startQueryExecution: ALL, stopQueryExecution: RR, getQueryExecution: RR, getQueryResults: RR },
  batch: { submitJob: ALL },
  bedrock: { invokeModel: RR, createModelCustomizationJob: ALL },
  codebuild: {
    startBuild: ALL,
    stopBuild: RR,
    batchDeleteBuilds: RR,
    batchGetReports: RR,
    startBuildBatch: RR_SYNC,
    stopBuildBatch: RR,
    retryBuildBatch: RR_SYNC,
    deleteBuildBatch: RR,
  },
  databrew: { startJobRun: RR_SYNC },
  dynamodb: { getItem: RR, putItem: RR, updateItem: RR, deleteItem: RR },
  ecs: { runTask: ALL },
  eks: {
    createCluster: RR_SYNC,
    deleteCluster: RR_SYNC,
    createFargateProfile: RR_SYNC,
    deleteFargateProfile: RR_SYNC,
    createNodegroup: RR_SYNC,
    deleteNodegroup: RR_SYNC,
    runJob: RR_SYNC,
    call: RR,
  },
  elasticmapreduce: {
    createCluster: RR_SYNC,
    terminateCluster: RR_SYNC,
    addStep: RR_SYNC,
    cancelStep: RR,
    setClusterTerminationProtection: RR,
    modifyInstanceFleetByName: RR,
    modifyInstanceGroupByName: RR,
  },
  'emr-containers': { startJobRun: RR_SYNC, createVirtualCluster: RR, deleteVirtualCluster: RR_SYNC },
  'emr-serverless': {
    createApplication: RR_SYNC,
    startApplication: RR_SYNC,
    stopApplication: RR_SYNC,
    deleteApplication: RR_SYNC,
    startJobRun: RR_SYNC,
    cancelJobRun: RR_SYNC,
  },
  events: { putEvents: RR_TOKEN },
  glue: { startJobRun: ALL },
  http: { invoke: RR },
  lambda: { invoke: RR_TOKEN },
  mediaconvert: { createJob: RR_SYNC },
  sagemaker: {
    createEndpoint: RR,
    createEndpointConfig: RR,
    createModel: RR,
    updateEndpoint: RR,
    createHyperParameterTuningJob: RR_SYNC,
    createLabelingJob: RR_SYNC,
    createProcessingJob: RR_SYNC,
    createTrainingJob: RR_SYNC,
    createTransformJob: RR_SYNC,
  },
  sns: { publish: RR_TOKEN },
  sqs: { sendMessage: RR_TOKEN },
  states: { startExecution: ['requestResponse', 'sync', 'sync:2', 'waitForTaskToken'] },
};

/** Whether AWS has the optimized integration SERVICE:ACTION with this pattern. */
export function isKnownOptimizedIntegration(service: string, action: string, pattern: IntegrationPattern): boolean {
  if (!Object.prototype.hasOwnProperty.call(OPTIMIZED_INTEGRATIONS, service)) return false;
  const actions = OPTIMIZED_INTEGRATIONS[service];
  if (!Object.prototype.hasOwnProperty.call(actions, action)) return false;
  return actions[action].includes(pattern);
}

/** AWS's SCHEMA_VALIDATION_FAILED message for a Resource it does not know. */
export const unrecognizedResourceMessage = (resource: string): string =>
  `The resource provided ${resource} is not recognized. The value is not a valid resource ARN, or the resource is not available in this region.`;
