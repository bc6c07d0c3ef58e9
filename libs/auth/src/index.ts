export * from './auth.module';
export * from './auth.service';
export * from './auth.decorators';
export { CredentialVerifier, type CredentialSource, type StoredCredential } from './credential-verifier';
export * from './operators.service';
export * from './principal';
export * from './scopes';
export { UserDto } from './dto/auth.dto';
