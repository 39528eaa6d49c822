"""Building what the course hands to students (the student kit): notebooks, ..."""
