import {
	commonErrors,
	errorResponse,
	jsonBody,
	jsonResponse,
	noContent,
	schemaRef,
	toSchema,
	uuidParam,
	type OpenApiPart
} from '../openapi';
import { CreateApiTokenInput, SignInInput, SignUpInput } from './schemas';

/** Sign-in, sign-up, who-am-I and API tokens, merged into /api/v1/openapi.json. */
export function authOpenApi(): OpenApiPart {
	const open = { security: [] };
	return {
		schemas: {
			SignIn: toSchema(SignInInput),
			SignUp: toSchema(SignUpInput),
			ApiTokenCreate: toSchema(CreateApiTokenInput)
		},
		paths: {
			'/api/v1/auth/sign-in': {
				post: {
					...open,
					summary: 'Sign in: sets the session cookie',
					requestBody: jsonBody(schemaRef('SignIn')),
					responses: {
						'200': jsonResponse('{user:{id, role}, expiresAt}'),
						'400': errorResponse('Invalid input (field named)'),
						'401': errorResponse('invalid_credentials (wrong password or unknown email alike)'),
						'429': errorResponse('rate_limited: too many failures (Retry-After)')
					}
				}
			},
			'/api/v1/auth/sign-up': {
				post: {
					...open,
					summary: 'Create an account and its organisation; signs in',
					requestBody: jsonBody(schemaRef('SignUp')),
					responses: {
						'201': jsonResponse('{user:{id, orgId, role}}'),
						'400': errorResponse('Invalid input (field named)'),
						'409': errorResponse('email_taken'),
						'429': errorResponse('rate_limited')
					}
				}
			},
			'/api/v1/auth/sign-out': {
				post: {
					summary: 'End the session and clear its cookie',
					responses: { '204': noContent('Signed out (also when no session was open)') }
				}
			},
			'/api/v1/me': {
				get: {
					summary: 'Who the caller is: a user (session) or an organisation (API token)',
					responses: {
						'200': jsonResponse('{kind:"user", user} or {kind:"token", orgId, orgKind}'),
						'401': errorResponse('Not signed in')
					}
				}
			},
			'/api/v1/tokens': {
				get: {
					summary: 'The organisation’s API tokens (prefixes only; session only)',
					responses: { '200': jsonResponse('{tokens}'), ...commonErrors() }
				},
				post: {
					summary:
						'Create an organisation API token (session only; hosts, suppliers and buyers: a buyer’s purchasing system uses /api/v1/trade with it)',
					requestBody: jsonBody(schemaRef('ApiTokenCreate')),
					responses: {
						'201': jsonResponse('{id, token}: the token is shown this once'),
						...commonErrors('Assistants have no tokens; a token cannot mint another'),
						'429': errorResponse('rate_limited')
					}
				}
			},
			'/api/v1/tokens/{id}': {
				parameters: [uuidParam()],
				delete: {
					summary: 'Revoke a token of the caller’s organisation',
					responses: {
						'204': noContent('Revoked'),
						...commonErrors(),
						'404': errorResponse('Unknown token')
					}
				}
			}
		}
	};
}
