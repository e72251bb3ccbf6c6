"""Pull claims, speakers, figures and dates out of article text."""
