DROP TABLE provider_accounts;
