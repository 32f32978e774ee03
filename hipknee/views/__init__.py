"""What the analyses look like to people: charts, the HTML report and squad overview, exports."""
