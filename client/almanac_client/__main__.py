import sys

from almanac_client.cli import main

sys.exit(main())
