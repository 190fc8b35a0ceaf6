"""The scoring REST API: `evaluations` (/api/v1/evaluations/) and `scorecards`
(/api/v1/scorecards/, /api/v1/scorecard-versions/); routes in api_urls.py and
api_urls_scorecards.py."""
