import { describe, expect, it } from 'vitest';
import { postgresTarget } from './url';

describe('postgresTarget', () => {
	it('leaves a TCP URL alone', () => {
		const u = 'postgres://postgres@127.0.0.1:5432/lotlive?sslmode=disable';
		expect(postgresTarget(u)).toEqual({ url: u });
		expect(postgresTarget('postgres://a@b/c')).toEqual({ url: 'postgres://a@b/c' });
	});
	it('takes a socket directory out of the query as the host option', () => {
		expect(
			postgresTarget('postgres://postgres@localhost/lotlive?host=/var/run/postgresql')
		).toEqual({ url: 'postgres://postgres@localhost/lotlive', host: '/var/run/postgresql' });
		expect(postgresTarget('postgresql://u@localhost/db?application_name=x&host=%2Ftmp')).toEqual({
			url: 'postgresql://u@localhost/db?application_name=x',
			host: '/tmp'
		});
	});
	it('keeps a host parameter that is not a directory for the server to refuse', () => {
		const u = 'postgres://u@localhost/db?host=db.internal';
		expect(postgresTarget(u)).toEqual({ url: u });
	});
});
