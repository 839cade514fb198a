/**
 * What gRPC server reflection answers, computed from the protobuf-es descriptors the server is
 * built from: the services, every file they need (their transitive imports included, down to
 * google/protobuf/*.proto), and each file as the FileDescriptorProto protoc produced for it
 * (options such as `google.api.http` included; comments are not embedded by protobuf-es).
 */
import {
  toBinary,
  type DescFile,
  type DescService,
  type MessageInitShape,
} from '@bufbuild/protobuf';
import { nestedTypes } from '@bufbuild/protobuf/reflect';
import { FileDescriptorProtoSchema } from '@bufbuild/protobuf/wkt';
import type {
  ServerReflectionRequest,
  ServerReflectionResponseSchema,
} from '../../gen/grpc/reflection/v1/reflection_pb';
import { GrpcStatus } from './error-mapping';

/** A response's `message_response`. */
export type ReflectionAnswer = NonNullable<
  MessageInitShape<typeof ServerReflectionResponseSchema>['messageResponse']
>;

/** The file and its transitive imports, the file first, each once. */
function withImports(file: DescFile): DescFile[] {
  const files: DescFile[] = [];
  const visit = (current: DescFile) => {
    if (files.includes(current)) return;
    files.push(current);
    current.dependencies.forEach(visit);
  };
  visit(file);
  return files;
}

/** Fully-qualified names of a file's members that are not types: methods, fields, enum values. */
function memberNames(file: DescFile): string[] {
  const names: string[] = [];
  for (const type of nestedTypes(file)) {
    switch (type.kind) {
      case 'service':
        names.push(...type.methods.map((method) => `${type.typeName}.${method.name}`));
        break;
      case 'message':
        names.push(...type.fields.map((field) => `${type.typeName}.${field.name}`));
        names.push(...type.oneofs.map((oneof) => `${type.typeName}.${oneof.name}`));
        break;
      case 'enum': {
        // Enum values are siblings of their enum in protobuf's scoping (`pkg.VALUE`).
        const scope = type.typeName.slice(0, type.typeName.length - type.name.length);
        names.push(...type.values.map((value) => `${scope}${value.name}`));
        break;
      }
      case 'extension':
        break;
    }
  }
  return names;
}

const failure = (errorCode: GrpcStatus, errorMessage: string): ReflectionAnswer => ({
  case: 'errorResponse',
  value: { errorCode, errorMessage },
});

/** The reflection answers of one server: built once at start-up, read by every stream. */
export class ReflectionIndex {
  private readonly services: readonly string[];
  private readonly filesByName = new Map<string, DescFile>();
  private readonly filesBySymbol = new Map<string, DescFile>();
  /** Extended message type name → extension field number → declaring file. */
  private readonly extensions = new Map<string, Map<number, DescFile>>();
  private readonly encoded = new Map<DescFile, Uint8Array>();

  constructor(services: readonly DescService[]) {
    this.services = services.map((service) => service.typeName);
    for (const file of new Set(services.flatMap((service) => withImports(service.file)))) {
      this.filesByName.set(file.proto.name, file);
      for (const type of nestedTypes(file)) {
        this.filesBySymbol.set(type.typeName, file);
        if (type.kind !== 'extension') continue;
        const numbers = this.extensions.get(type.extendee.typeName) ?? new Map<number, DescFile>();
        this.extensions.set(type.extendee.typeName, numbers.set(type.number, file));
      }
      for (const name of memberNames(file)) this.filesBySymbol.set(name, file);
    }
  }

  /**
   * The answer to one request. `sent` holds the files this stream already sent: a file answer
   * is the requested file, then those of its imports not sent yet (as grpc-go answers).
   */
  answer(request: ServerReflectionRequest, sent: Set<DescFile>): ReflectionAnswer {
    const ask = request.messageRequest;
    switch (ask.case) {
      case 'listServices':
        return {
          case: 'listServicesResponse',
          value: {
            service: this.services.map((name) => ({
              name,
            })),
          },
        };
      case 'fileByFilename':
        return this.files(this.filesByName.get(ask.value), sent, `file ${ask.value}`);
      case 'fileContainingSymbol':
        return this.files(this.filesBySymbol.get(ask.value), sent, `symbol ${ask.value}`);
      case 'fileContainingExtension': {
        const { containingType, extensionNumber } = ask.value;
        const file = this.extensions.get(containingType)?.get(extensionNumber);
        return this.files(file, sent, `extension ${extensionNumber} of ${containingType}`);
      }
      case 'allExtensionNumbersOfType': {
        const numbers = this.extensions.get(ask.value);
        if (!numbers && !this.filesBySymbol.has(ask.value)) {
          return failure(GrpcStatus.NOT_FOUND, `type ${ask.value} not found`);
        }
        return {
          case: 'allExtensionNumbersResponse',
          value: {
            baseTypeName: ask.value,
            extensionNumber: [...(numbers?.keys() ?? [])],
          },
        };
      }
      case undefined:
        return failure(GrpcStatus.INVALID_ARGUMENT, 'message_request is not set');
    }
  }

  private files(file: DescFile | undefined, sent: Set<DescFile>, what: string): ReflectionAnswer {
    if (!file) return failure(GrpcStatus.NOT_FOUND, `${what} not found`);
    const files = withImports(file).filter(
      (candidate) => candidate === file || !sent.has(candidate),
    );
    files.forEach((candidate) => sent.add(candidate));
    return {
      case: 'fileDescriptorResponse',
      value: {
        fileDescriptorProto: files.map((candidate) => this.encode(candidate)),
      },
    };
  }

  private encode(file: DescFile): Uint8Array {
    let bytes = this.encoded.get(file);
    if (!bytes) {
      bytes = toBinary(FileDescriptorProtoSchema, file.proto);
      this.encoded.set(file, bytes);
    }
    return bytes;
  }
}
