"""Library code of the intake function; staff tools import it too.

Submodules are imported on demand so that the Lambda cold start only pays for
what a route needs (boto3 in particular is loaded only by the SQS backend).
"""
