"""Write-side services of surveys, split by feature (rubrics, schedules, rounds, dispatch, responses)."""
