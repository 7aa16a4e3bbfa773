/**
 * What outlives every deployment of the functions: the single table, the KMS key that wraps the
 * data key (losing it loses every secret in the table), and the table's backups. A stack of its
 * own with termination protection, so no change to the functions stack (or a failed rollback of
 * it) can replace or delete them; the functions stack reads their names and ARNs as stack outputs
 * (weak references, cdk.json), which this stack may change without a deadlock.
 *
 * Backups: point-in-time recovery (any second of the last 35 days, in place) and an AWS Backup
 * plan (daily, kept 35 days; monthly, kept a year) in a vault of its own, for a copy that survives
 * a deleted table or an operator's mistake older than PITR reaches.
 */
import { ArnFormat, CfnOutput, Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';
import { KMS_ENCRYPTION_CONTEXT } from '../shared/adapters/kms-context';
import { SecurityEvents } from './constructs/security-events';
import { tableDefinition } from './table';

export interface DataStackProps extends StackProps {
  /** Termination protection, table deletion protection, RETAIN of table, key and vault. */
  readonly protect: boolean;
  /** The IAM path of the functions stack's roles: the key policy lets roles under it use the data key. */
  readonly rolePath: string;
  /** An operator's role that may also use the data key (the `--aws` CLIs). */
  readonly operatorRoleArn?: string;
}

export class TwoFactorDataStack extends Stack {
  readonly table: dynamodb.TableV2;
  readonly dataKey: kms.Key;
  readonly backupPlan: backup.BackupPlan;
  /** Audit items, from the table's stream, as events on a bus (README: Security events). */
  readonly securityEvents: SecurityEvents;

  constructor(scope: Construct, id: string, props: DataStackProps) {
    super(scope, id, {
      description: 'Two-factor authentication service: the table, the data key wrapping key and the table backups',
      ...props,
      terminationProtection: props.protect,
    });
    const retainIfProtected = props.protect ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;

    const t = tableDefinition;
    this.table = new dynamodb.TableV2(this, 'Table', {
      partitionKey: { name: t.partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: t.sortKey, type: dynamodb.AttributeType.STRING },
      globalSecondaryIndexes: [
        {
          indexName: t.gsi1.name,
          partitionKey: { name: t.gsi1.partitionKey, type: dynamodb.AttributeType.STRING },
          sortKey: { name: t.gsi1.sortKey, type: dynamodb.AttributeType.STRING },
          projectionType: dynamodb.ProjectionType.INCLUDE,
          nonKeyAttributes: [...t.gsi1.projection],
        },
      ],
      timeToLiveAttribute: t.ttlAttribute,
      dynamoStream: dynamodb.StreamViewType[t.streamViewType],
      billing: dynamodb.Billing.onDemand(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: props.protect,
      removalPolicy: retainIfProtected,
    });

    const encryptionContext = Object.fromEntries(
      Object.entries(KMS_ENCRYPTION_CONTEXT).map(([name, value]) => [`kms:EncryptionContext:${name}`, value]),
    );
    const account = new iam.AccountRootPrincipal();
    const keyPolicy = new iam.PolicyDocument({
      statements: [
        // The account administers the key (IAM decides who), but may not use it: an IAM policy
        // with kms:Decrypt on * elsewhere in the account does not reach this key.
        new iam.PolicyStatement({
          sid: 'KeyAdministration',
          principals: [account],
          actions: [
            'kms:Create*', 'kms:Describe*', 'kms:Enable*', 'kms:List*', 'kms:Put*', 'kms:Update*', 'kms:Revoke*',
            'kms:Disable*', 'kms:Get*', 'kms:Delete*', 'kms:TagResource', 'kms:UntagResource',
            'kms:ScheduleKeyDeletion', 'kms:CancelKeyDeletion', 'kms:RotateKeyOnDemand',
          ],
          resources: ['*'],
        }),
        // The deployment's roles (their IAM policies still have to allow it), for the data key only.
        new iam.PolicyStatement({
          sid: 'DeploymentRolesUseTheDataKey',
          principals: [account],
          actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
          resources: ['*'],
          conditions: {
            ArnLike: {
              'aws:PrincipalArn': this.formatArn({ service: 'iam', region: '', resource: 'role', resourceName: `${props.rolePath.slice(1)}*`, arnFormat: ArnFormat.SLASH_RESOURCE_NAME }),
            },
            StringEquals: encryptionContext,
          },
        }),
        ...(props.operatorRoleArn
          ? [
              new iam.PolicyStatement({
                sid: 'OperatorUsesTheDataKey',
                principals: [new iam.ArnPrincipal(props.operatorRoleArn)],
                actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
                resources: ['*'],
                conditions: { StringEquals: encryptionContext },
              }),
            ]
          : []),
      ],
    });
    this.dataKey = new kms.Key(this, 'DataKeyWrappingKey', {
      description: 'Wraps the two-factor service data key (TOTP secrets, signing keys, code and token hashes)',
      enableKeyRotation: true,
      policy: keyPolicy,
      removalPolicy: retainIfProtected,
      pendingWindow: Duration.days(30),
    });

    const vault = new backup.BackupVault(this, 'BackupVault', { removalPolicy: retainIfProtected });
    this.backupPlan = new backup.BackupPlan(this, 'BackupPlan', {
      backupVault: vault,
      backupPlanRules: [
        new backup.BackupPlanRule({
          ruleName: 'Daily',
          scheduleExpression: events.Schedule.cron({ hour: '3', minute: '0' }),
          deleteAfter: Duration.days(35),
        }),
        new backup.BackupPlanRule({
          ruleName: 'Monthly',
          scheduleExpression: events.Schedule.cron({ day: '1', hour: '4', minute: '0' }),
          deleteAfter: Duration.days(365),
        }),
      ],
    });
    const backupRole = new iam.Role(this, 'BackupRole', {
      assumedBy: new iam.ServicePrincipal('backup.amazonaws.com'),
      description: 'AWS Backup: back up and restore the two-factor table',
      path: props.rolePath,
      managedPolicies: [
        iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSBackupServiceRolePolicyForBackup'),
        iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSBackupServiceRolePolicyForRestores'),
      ],
    });
    this.backupPlan.addSelection('Table', { resources: [backup.BackupResource.fromDynamoDbTable(this.table)], role: backupRole });
    for (const policy of ['AWSBackupServiceRolePolicyForBackup', 'AWSBackupServiceRolePolicyForRestores']) {
      Validations.of(backupRole).acknowledge({
        id: `AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/${policy}]`,
        reason:
          `AWS Backup's own service-role policy (${policy}), kept current by AWS with the service; the role is ` +
          'assumable only by backup.amazonaws.com and is selected for this table alone.',
      });
    }

    // Beside the table whose stream it reads: the bus and its subscribers outlive function deployments.
    this.securityEvents = new SecurityEvents(this, 'SecurityEvents', {
      table: this.table,
      logRetention: logs.RetentionDays.THREE_MONTHS,
      removalPolicy: retainIfProtected,
      rolePath: props.rolePath,
    });
    new CfnOutput(this, 'SecurityEventBusName', { value: this.securityEvents.bus.eventBusName, description: 'Security events (README: Security events)' });
  }
}
